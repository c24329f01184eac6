package main

import (
	"context"
	"errors"
	"io"
)

// userCmd manages the accounts of the archive.
func userCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return errors.New("not yet")
}
