package web

// editRoutes registers the editors' pages: editing, review, history.
func (s *Server) editRoutes() {}
