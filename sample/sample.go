// Package sample holds fonds's own sample collection: invented documents that
// show every convention of the transcription format. `fonds serve --demo`
// loads it into a fresh archive.
//
// Every document here was written for the project. None is a real archival
// document: each says so in its description ("Invented example."), though
// the people it names lived and the events it imitates are of the kind the
// real archives hold.
package sample

import "embed"

// Files holds the sample documents, one per .txt file in the transcription
// format, named by date and reference.
//
//go:embed *.txt
var Files embed.FS

// The collection the sample documents are imported into.
const (
	Slug        = "sample"
	Title       = "Sample collection (invented)"
	Description = "Invented documents written for fonds to show every convention of its transcription format. " +
		"They imitate Soviet papers of 1965–1991 on dissidents, emigration, writers and human rights, " +
		"but none of them is a real archival document."
)
