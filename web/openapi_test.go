package web

import (
	"bufio"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// TestOpenAPI checks that every route the OpenAPI description lists exists
// and answers in the shape it describes.
func TestOpenAPI(t *testing.T) {
	f := newSearchFixture(t)
	w := f.get("/api/v1/openapi.json")
	if w.Code != 200 {
		t.Fatalf("GET /api/v1/openapi.json = %d", w.Code)
	}
	var spec struct {
		OpenAPI string `json:"openapi"`
		Paths   map[string]map[string]struct {
			Responses map[string]struct {
				Ref     string `json:"$ref"`
				Content map[string]struct {
					Schema map[string]any `json:"schema"`
				} `json:"content"`
			} `json:"responses"`
		} `json:"paths"`
		Components map[string]any `json:"components"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &spec); err != nil {
		t.Fatalf("the description is not JSON: %v", err)
	}
	if !strings.HasPrefix(spec.OpenAPI, "3.") || len(spec.Paths) < 5 {
		t.Fatalf("openapi %q with %d paths", spec.OpenAPI, len(spec.Paths))
	}
	var root any
	json.Unmarshal(w.Body.Bytes(), &root)
	// Requests that must find something, for the paths that take input.
	queries := map[string]string{"/api/v1/search": "?q=human+rights"}
	for path, ops := range spec.Paths {
		get, ok := ops["get"]
		if !ok {
			t.Errorf("%s: no GET", path)
			continue
		}
		url := strings.ReplaceAll(path, "{id}", f.seedID) + queries[path]
		w := f.get(url)
		if w.Code != 200 {
			t.Errorf("GET %s = %d, want 200", url, w.Code)
			continue
		}
		ok200 := get.Responses["200"]
		for ctype, c := range ok200.Content {
			if !strings.HasPrefix(w.Header().Get("Content-Type"), ctype) {
				t.Errorf("GET %s: Content-Type %q, want %s", url, w.Header().Get("Content-Type"), ctype)
			}
			if ctype == "application/jsonl" {
				sc := bufio.NewScanner(w.Body)
				sc.Buffer(nil, 1<<24)
				lines := 0
				for sc.Scan() {
					lines++
					var v any
					if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
						t.Fatalf("GET %s line %d: %v", url, lines, err)
					}
					for _, e := range check(root, c.Schema, v, "line") {
						t.Errorf("GET %s: %s", url, e)
					}
				}
				if lines != f.published {
					t.Errorf("GET %s gave %d documents, want the %d published", url, lines, f.published)
				}
				continue
			}
			var v any
			if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
				t.Fatalf("GET %s: %v", url, err)
			}
			for _, e := range check(root, c.Schema, v, "body") {
				t.Errorf("GET %s: %s", url, e)
			}
		}
	}
}

// check returns how v differs from the schema: the types, required
// properties, enums and items of the subset of JSON Schema the description
// uses, following $ref within root.
func check(root any, schema map[string]any, v any, at string) []string {
	if ref, ok := schema["$ref"].(string); ok {
		node := root
		for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			node = node.(map[string]any)[part]
		}
		return check(root, node.(map[string]any), v, at)
	}
	var errs []string
	if enum, ok := schema["enum"].([]any); ok {
		found := false
		for _, e := range enum {
			found = found || e == v
		}
		if !found {
			errs = append(errs, fmt.Sprintf("%s = %v, not one of %v", at, v, enum))
		}
	}
	switch schema["type"] {
	case "object":
		obj, ok := v.(map[string]any)
		if !ok {
			return append(errs, fmt.Sprintf("%s is %T, want an object", at, v))
		}
		if req, ok := schema["required"].([]any); ok {
			for _, r := range req {
				if _, ok := obj[r.(string)]; !ok {
					errs = append(errs, fmt.Sprintf("%s lacks %s", at, r))
				}
			}
		}
		props, _ := schema["properties"].(map[string]any)
		extra, _ := schema["additionalProperties"].(map[string]any)
		for k, val := range obj {
			if p, ok := props[k].(map[string]any); ok {
				errs = append(errs, check(root, p, val, at+"."+k)...)
			} else if extra != nil {
				errs = append(errs, check(root, extra, val, at+"."+k)...)
			} else if props != nil {
				errs = append(errs, fmt.Sprintf("%s has %s, which the description does not name", at, k))
			}
		}
	case "array":
		arr, ok := v.([]any)
		if !ok {
			return append(errs, fmt.Sprintf("%s is %T, want an array", at, v))
		}
		if items, ok := schema["items"].(map[string]any); ok {
			for i, it := range arr {
				errs = append(errs, check(root, items, it, fmt.Sprintf("%s[%d]", at, i))...)
			}
		}
	case "string":
		if _, ok := v.(string); !ok {
			errs = append(errs, fmt.Sprintf("%s is %T, want a string", at, v))
		}
	case "integer":
		if n, ok := v.(float64); !ok || n != float64(int64(n)) {
			errs = append(errs, fmt.Sprintf("%s is %v, want an integer", at, v))
		}
	case "number":
		if _, ok := v.(float64); !ok {
			errs = append(errs, fmt.Sprintf("%s is %T, want a number", at, v))
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			errs = append(errs, fmt.Sprintf("%s is %T, want a boolean", at, v))
		}
	}
	return errs
}
