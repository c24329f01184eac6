package postgres

// TestDatabase is testDatabase, for the tests of package postgres_test.
var TestDatabase = testDatabase
