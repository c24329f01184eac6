package main

import (
	"context"
	"errors"
	"io"
)

// siteCmd shows or sets the site's settings.
func siteCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return errors.New("not yet")
}

// collectionCmd lists collections or sets a collection's title and description.
func collectionCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return errors.New("not yet")
}
