package iiif

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"fonds"
)

// The limits of the image service, announced in info.json: no derived image
// is wider or higher than maxWidth and maxHeight, nor holds more than
// maxArea pixels. A result is held whole while it is encoded, at four bytes
// a pixel: 48 MB at most, which with decodeBudget keeps a request within
// its 256 MB.
const (
	maxWidth  = 8000
	maxHeight = 8000
	maxArea   = 12_000_000
)

// tileSize is the width and height of the tiles info.json offers.
const tileSize = 512

// imageMaxAge is how long a client may keep info.json and images without
// asking again; a replaced image changes their ETag.
const imageMaxAge = 3600

const (
	imageContext  = "http://iiif.io/api/image/3/context.json"
	imageProtocol = "http://iiif.io/api/image"
)

// regionKind says how a request names its region.
type regionKind int

const (
	regionFull regionKind = iota
	regionSquare
	regionPixels
	regionPercent
)

// sizeKind says how a request names its size.
type sizeKind int

const (
	sizeMax      sizeKind = iota // max
	sizeWidth                    // w,
	sizeHeight                   // ,h
	sizePercent                  // pct:n
	sizeExact                    // w,h
	sizeConfined                 // !w,h
)

// imageRequest is the parameters of an image request, parsed but not yet
// applied to an image.
type imageRequest struct {
	region     regionKind
	rx, ry     float64 // pixels or percent, by region
	rw, rh     float64
	size       sizeKind
	upscale    bool // the size was prefixed with ^
	sw, sh     int
	pct        float64
	mirror     bool
	rotation   int    // 0, 90, 180 or 270, clockwise
	quality    string // default, color or gray
	format     string // jpg or png
	formatType string // its content type
}

// parseImageRequest parses the path segments of an image request. A
// malformed one is a 400 error; a well-formed one asking for what the
// service does not do is a 501.
func parseImageRequest(region, size, rotation, file string) (*imageRequest, error) {
	req := new(imageRequest)
	if err := req.parseRegion(region); err != nil {
		return nil, err
	}
	if err := req.parseSize(size); err != nil {
		return nil, err
	}
	if err := req.parseRotation(rotation); err != nil {
		return nil, err
	}
	quality, format, ok := strings.Cut(file, ".")
	if !ok {
		return nil, errorf(http.StatusBadRequest, "the last segment %q must be a quality and a format: default.jpg", file)
	}
	switch quality {
	case "default", "color", "gray":
		req.quality = quality
	case "bitonal":
		return nil, errorf(http.StatusNotImplemented, "the quality bitonal is not supported: use default, color or gray")
	default:
		return nil, errorf(http.StatusBadRequest, "unknown quality %q: use default, color or gray", quality)
	}
	switch format {
	case "jpg":
		req.format, req.formatType = "jpg", "image/jpeg"
	case "png":
		req.format, req.formatType = "png", "image/png"
	case "tif", "gif", "pdf", "jp2", "webp":
		return nil, errorf(http.StatusNotImplemented, "the format %s is not supported: use jpg or png", format)
	default:
		return nil, errorf(http.StatusBadRequest, "unknown format %q: use jpg or png", format)
	}
	return req, nil
}

func (req *imageRequest) parseRegion(s string) error {
	switch {
	case s == "full":
		req.region = regionFull
		return nil
	case s == "square":
		req.region = regionSquare
		return nil
	}
	kind, nums := regionPixels, s
	if rest, ok := strings.CutPrefix(s, "pct:"); ok {
		kind, nums = regionPercent, rest
	}
	parts := strings.Split(nums, ",")
	if len(parts) != 4 {
		return errorf(http.StatusBadRequest, "the region %q is not full, square, x,y,w,h or pct:x,y,w,h", s)
	}
	var v [4]float64
	for i, p := range parts {
		var err error
		if kind == regionPixels {
			var n int
			n, err = parseCount(p)
			v[i] = float64(n)
		} else {
			v[i], err = parsePercent(p)
		}
		if err != nil {
			return errorf(http.StatusBadRequest, "the region %q: %v", s, err)
		}
	}
	if v[2] == 0 || v[3] == 0 {
		return errorf(http.StatusBadRequest, "the region %q has no width or no height", s)
	}
	req.region = kind
	req.rx, req.ry, req.rw, req.rh = v[0], v[1], v[2], v[3]
	return nil
}

func (req *imageRequest) parseSize(s string) error {
	rest, up := strings.CutPrefix(s, "^")
	req.upscale = up
	switch {
	case rest == "max":
		req.size = sizeMax
		return nil
	case strings.HasPrefix(rest, "pct:"):
		p, err := parsePercent(rest[len("pct:"):])
		if err != nil {
			return errorf(http.StatusBadRequest, "the size %q: %v", s, err)
		}
		if p == 0 {
			return errorf(http.StatusBadRequest, "the size %q asks for an image of no pixels", s)
		}
		if p > 100 && !up {
			return errorf(http.StatusBadRequest, "the size %q is larger than the region: prefix it with ^ to upscale", s)
		}
		req.size, req.pct = sizePercent, p
		return nil
	}
	confined := false
	if r, ok := strings.CutPrefix(rest, "!"); ok {
		confined, rest = true, r
	}
	ws, hs, ok := strings.Cut(rest, ",")
	if !ok {
		return errorf(http.StatusBadRequest, "the size %q is not max, w,, ,h, pct:n, w,h or !w,h", s)
	}
	var w, h int
	var err error
	if ws != "" {
		if w, err = parseCount(ws); err != nil {
			return errorf(http.StatusBadRequest, "the size %q: %v", s, err)
		}
	}
	if hs != "" {
		if h, err = parseCount(hs); err != nil {
			return errorf(http.StatusBadRequest, "the size %q: %v", s, err)
		}
	}
	switch {
	case confined && (ws == "" || hs == ""):
		return errorf(http.StatusBadRequest, "the size %q needs both a width and a height", s)
	case confined:
		req.size = sizeConfined
	case ws == "" && hs == "":
		return errorf(http.StatusBadRequest, "the size %q gives neither a width nor a height", s)
	case hs == "":
		req.size = sizeWidth
	case ws == "":
		req.size = sizeHeight
	default:
		req.size = sizeExact
	}
	if (ws != "" && w == 0) || (hs != "" && h == 0) {
		return errorf(http.StatusBadRequest, "the size %q asks for an image of no pixels", s)
	}
	req.sw, req.sh = w, h
	return nil
}

func (req *imageRequest) parseRotation(s string) error {
	rest, mirror := strings.CutPrefix(s, "!")
	deg, err := strconv.ParseFloat(rest, 64)
	if err != nil || rest == "" || strings.ContainsAny(rest, "+-eEinIN") || deg < 0 || deg > 360 {
		return errorf(http.StatusBadRequest, "the rotation %q is not a number of degrees from 0 to 360", s)
	}
	switch deg {
	case 0, 360:
		req.rotation = 0
	case 90, 180, 270:
		req.rotation = int(deg)
	default:
		return errorf(http.StatusNotImplemented, "rotation by %s degrees is not supported: use 0, 90, 180 or 270", rest)
	}
	req.mirror = mirror
	return nil
}

// parseCount parses a whole number of pixels written in decimal digits.
func parseCount(s string) (int, error) {
	if s == "" || len(s) > 9 {
		return 0, fmt.Errorf("%q is not a number of pixels", s)
	}
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%q is not a number of pixels", s)
		}
		n = n*10 + int(c-'0')
	}
	return n, nil
}

// parsePercent parses a percentage written as a decimal number.
func parsePercent(s string) (float64, error) {
	valid := s != "" && len(s) <= 20 && strings.Trim(s, "0123456789.") == "" && strings.Count(s, ".") <= 1 && s != "."
	if !valid {
		return 0, fmt.Errorf("%q is not a percentage", s)
	}
	return strconv.ParseFloat(s, 64)
}

// resolve applies the request to an image of the width and height: the
// region of the image to take, and the width and height to scale it to.
func (req *imageRequest) resolve(width, height int) (image.Rectangle, int, int, error) {
	var r image.Rectangle
	switch req.region {
	case regionFull:
		r = image.Rect(0, 0, width, height)
	case regionSquare:
		side := min(width, height)
		x, y := (width-side)/2, (height-side)/2
		r = image.Rect(x, y, x+side, y+side)
	case regionPixels:
		x, y, w, h := int(req.rx), int(req.ry), int(req.rw), int(req.rh)
		r = image.Rect(x, y, x+w, y+h)
	case regionPercent:
		fw, fh := float64(width), float64(height)
		x0, y0 := math.Round(req.rx*fw/100), math.Round(req.ry*fh/100)
		x1, y1 := math.Round((req.rx+req.rw)*fw/100), math.Round((req.ry+req.rh)*fh/100)
		if x1 <= x0 || y1 <= y0 {
			return r, 0, 0, errorf(http.StatusBadRequest, "the region is smaller than a pixel")
		}
		if x0 >= fw || y0 >= fh {
			return r, 0, 0, errorf(http.StatusBadRequest, "the region lies outside the image of %d×%d pixels", width, height)
		}
		r = image.Rect(int(x0), int(y0), int(min(x1, fw)), int(min(y1, fh)))
	}
	if r.Min.X >= width || r.Min.Y >= height {
		return r, 0, 0, errorf(http.StatusBadRequest, "the region lies outside the image of %d×%d pixels", width, height)
	}
	// A region past the edge is cut to the image, as the API says.
	r = r.Intersect(image.Rect(0, 0, width, height))
	rw, rh := r.Dx(), r.Dy()
	fw, fh := float64(rw), float64(rh)

	var w, h int
	switch req.size {
	case sizeMax:
		s := 1.0
		if req.upscale {
			s = math.Inf(1)
		}
		s = min(s, limitScale(rw, rh))
		w, h = max(1, int(math.Floor(fw*s+1e-9))), max(1, int(math.Floor(fh*s+1e-9)))
	case sizeWidth:
		w = req.sw
		h = max(1, int(math.Round(fh*float64(w)/fw)))
	case sizeHeight:
		h = req.sh
		w = max(1, int(math.Round(fw*float64(h)/fh)))
	case sizePercent:
		w, h = int(math.Round(fw*req.pct/100)), int(math.Round(fh*req.pct/100))
	case sizeExact:
		w, h = req.sw, req.sh
	case sizeConfined:
		s := min(float64(req.sw)/fw, float64(req.sh)/fh)
		if !req.upscale {
			s = min(s, 1)
		}
		s = min(s, limitScale(rw, rh))
		w = min(req.sw, max(1, int(math.Round(fw*s))))
		h = min(req.sh, max(1, int(math.Round(fh*s))))
	}
	switch {
	case w < 1 || h < 1:
		return r, 0, 0, errorf(http.StatusBadRequest, "the size asks for an image of no pixels")
	case !req.upscale && (w > rw || h > rh):
		return r, 0, 0, errorf(http.StatusBadRequest,
			"the size %d×%d is larger than the region of %d×%d: prefix the size with ^ to upscale", w, h, rw, rh)
	case w > maxWidth || h > maxHeight || w*h > maxArea:
		return r, 0, 0, errorf(http.StatusBadRequest,
			"the size %d×%d is larger than this server makes: at most %d×%d and %d pixels", w, h, maxWidth, maxHeight, maxArea)
	}
	return r, w, h, nil
}

// limitScale returns the largest scale at which a region of w×h pixels
// stays within the service's limits.
func limitScale(w, h int) float64 {
	fw, fh := float64(w), float64(h)
	return min(maxWidth/fw, maxHeight/fh, math.Sqrt(maxArea/(fw*fh)))
}

// canonical returns the canonical form of the request once resolved for an
// image of the width and height, "x,y,w,h/w,h/0/default.jpg", which names
// one derived image whichever way the request was written.
func (req *imageRequest) canonical(width, height int, r image.Rectangle, w, h int) string {
	region := "full"
	if r != image.Rect(0, 0, width, height) {
		region = fmt.Sprintf("%d,%d,%d,%d", r.Min.X, r.Min.Y, r.Dx(), r.Dy())
	}
	var size string
	maxScale := min(1, limitScale(r.Dx(), r.Dy()))
	mw, mh := max(1, int(math.Floor(float64(r.Dx())*maxScale+1e-9))), max(1, int(math.Floor(float64(r.Dy())*maxScale+1e-9)))
	switch {
	case w == mw && h == mh:
		size = "max"
	case w > r.Dx() || h > r.Dy():
		size = fmt.Sprintf("^%d,%d", w, h)
	default:
		size = fmt.Sprintf("%d,%d", w, h)
	}
	rotation := strconv.Itoa(req.rotation)
	if req.mirror {
		rotation = "!" + rotation
	}
	return region + "/" + size + "/" + rotation + "/" + req.quality + "." + req.format
}

// render writes the derived image: the region r of the source scaled to
// w×h, mirrored and rotated, in the quality and format of the request. The
// source is read a row at a time and scaled as it is read, into a result
// of one byte a pixel when it is gray and four when not.
func (req *imageRequest) render(out io.Writer, src rowSource, r image.Rectangle, w, h int) error {
	nc := 4
	if src.gray() {
		nc = 1
	}
	// JPEG has no transparency, and gray drops it: transparent pixels
	// are laid on white paper rather than turn black.
	flat := req.format == "jpg" || req.quality == "gray"
	c := newCanvas(w, h, req.rotation, req.mirror, nc == 1 || req.quality == "gray", flat)
	err := scale(src, r, w, h, func(y int, row []float32) { c.put(y, row, nc) })
	if err != nil {
		return err
	}
	if req.format == "png" {
		enc := png.Encoder{CompressionLevel: png.BestSpeed}
		return enc.Encode(out, c.image())
	}
	return jpeg.Encode(out, c.image(), &jpeg.Options{Quality: 85})
}

// imageSource finds the image an identifier names: "{document id}~{page}",
// a page that has an image of a document who makes the request may see.
// It returns the document too, whose access says how its images may be
// cached.
func (h *handler) imageSource(ctx context.Context, ident string) (*source, *fonds.Document, error) {
	i := strings.LastIndexByte(ident, '~')
	if i < 1 {
		return nil, nil, errorf(http.StatusNotFound, "no image %q: identifiers are a document id and a page number, joined by ~", ident)
	}
	id := ident[:i]
	n, err := parseCount(ident[i+1:])
	if err != nil || n < 1 || !validID(id) {
		return nil, nil, errorf(http.StatusNotFound, "no image %q: identifiers are a document id and a page number, joined by ~", ident)
	}
	doc, err := h.store.Document(ctx, id)
	if errors.Is(err, fonds.ErrNotFound) || (err == nil && !visible(ctx, doc)) {
		return nil, nil, errorf(http.StatusNotFound, "no document %q", id)
	}
	if err != nil {
		return nil, nil, err
	}
	for _, p := range doc.Pages {
		if p.N != n || p.Facs == "" {
			continue
		}
		src, err := h.images.source(ctx, id, p.Facs)
		if errors.Is(err, fonds.ErrNotFound) {
			break
		}
		return src, doc, err
	}
	return nil, nil, errorf(http.StatusNotFound, "page %d of document %q has no image", n, id)
}

// serviceID returns the id of the image service of page n of document id.
func serviceID(base, id string, n int) string {
	return base + "/iiif/image/" + url.PathEscape(fmt.Sprintf("%s~%d", id, n))
}

// imageBase redirects the address of an image service to its information,
// as the API asks.
func (h *handler) imageBase(w http.ResponseWriter, r *http.Request) {
	ident := r.PathValue("ident")
	if _, _, err := h.imageSource(r.Context(), ident); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, h.base(r)+"/iiif/image/"+url.PathEscape(ident)+"/info.json", http.StatusSeeOther)
}

// imageInfo is the information of an image service (info.json).
type imageInfo struct {
	Context        string     `json:"@context"`
	ID             string     `json:"id"`
	Type           string     `json:"type"`
	Protocol       string     `json:"protocol"`
	Profile        string     `json:"profile"`
	Width          int        `json:"width"`
	Height         int        `json:"height"`
	MaxWidth       int        `json:"maxWidth"`
	MaxHeight      int        `json:"maxHeight"`
	MaxArea        int        `json:"maxArea"`
	Sizes          []infoSize `json:"sizes"`
	Tiles          []infoTile `json:"tiles"`
	ExtraQualities []string   `json:"extraQualities"`
	ExtraFeatures  []string   `json:"extraFeatures"`
}

type infoSize struct {
	Type   string `json:"type"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
}

type infoTile struct {
	Type         string `json:"type"`
	Width        int    `json:"width"`
	Height       int    `json:"height"`
	ScaleFactors []int  `json:"scaleFactors"`
}

// info answers the information of an image: its size, the sizes and tiles
// a viewer should ask for, and what the service does.
func (h *handler) info(w http.ResponseWriter, r *http.Request) {
	ident := r.PathValue("ident")
	src, doc, err := h.imageSource(r.Context(), ident)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	info := imageInfo{
		Context:        imageContext,
		ID:             h.base(r) + "/iiif/image/" + url.PathEscape(ident),
		Type:           "ImageService3",
		Protocol:       imageProtocol,
		Profile:        "level2",
		Width:          src.width,
		Height:         src.height,
		MaxWidth:       maxWidth,
		MaxHeight:      maxHeight,
		MaxArea:        maxArea,
		ExtraQualities: []string{"color", "gray"},
		ExtraFeatures:  []string{"mirroring", "sizeUpscaling"},
	}
	// Sizes halve the image down to a thumbnail; tiles offer the same
	// scales, from full resolution to the one a single tile covers.
	tile := infoTile{Type: "Tile", Width: tileSize, Height: tileSize}
	for s := 1; ; s *= 2 {
		tw, th := ceilDiv(src.width, s), ceilDiv(src.height, s)
		tile.ScaleFactors = append(tile.ScaleFactors, s)
		if tw <= maxWidth && th <= maxHeight && tw*th <= maxArea {
			info.Sizes = append(info.Sizes, infoSize{Type: "Size", Width: tw, Height: th})
		}
		if (tw <= tileSize && th <= tileSize) || (tw <= 1 && th <= 1) {
			break
		}
	}
	// Smallest first, as the API recommends.
	for i, j := 0, len(info.Sizes)-1; i < j; i, j = i+1, j-1 {
		info.Sizes[i], info.Sizes[j] = info.Sizes[j], info.Sizes[i]
	}
	info.Tiles = []infoTile{tile}
	w.Header().Set("Last-Modified", src.modified.UTC().Format(http.TimeFormat))
	if err := writeJSON(w, r, jsonLDType(r, imageContext), cacheControl(doc, imageMaxAge), info); err != nil {
		h.fail(w, r, err)
	}
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// image answers a derived image, from the cache or made for the request.
func (h *handler) image(w http.ResponseWriter, r *http.Request) {
	req, err := parseImageRequest(r.PathValue("region"), r.PathValue("size"), r.PathValue("rotation"), r.PathValue("file"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ident := r.PathValue("ident")
	src, doc, err := h.imageSource(r.Context(), ident)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	region, width, height, err := req.resolve(src.width, src.height)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	canonical := req.canonical(src.width, src.height, region, width, height)
	sum := sha256.Sum256([]byte(src.stamp + "\x00" + canonical))
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	hdr := w.Header()
	hdr.Set("ETag", etag)
	hdr.Set("Cache-Control", cacheControl(doc, imageMaxAge))
	hdr.Set("Link", `<`+h.base(r)+"/iiif/image/"+url.PathEscape(ident)+"/"+canonical+`>;rel="canonical"`)
	if etagMatches(r.Header.Get("If-None-Match"), etag) {
		hdr.Set("Last-Modified", src.modified.UTC().Format(http.TimeFormat))
		w.WriteHeader(http.StatusNotModified)
		return
	}
	f, err := h.images.derived(r.Context(), src, canonical, req.format, func(ctx context.Context, out io.Writer) error {
		// A request waits its turn, as long as its client waits.
		h.waiting.Add(1)
		select {
		case h.renders <- struct{}{}:
			h.waiting.Add(-1)
		case <-ctx.Done():
			h.waiting.Add(-1)
			return ctx.Err()
		}
		defer func() { <-h.renders }()
		// Other requests may be waiting for this image: once begun, it
		// is made to the end even if the client that asked first goes.
		ctx = context.WithoutCancel(ctx)
		rows, done, err := h.images.rows(ctx, src)
		if err != nil {
			return err
		}
		defer done()
		return req.render(out, rows, region, width, height)
	})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	defer f.Close()
	hdr.Set("Content-Type", req.formatType)
	http.ServeContent(w, r, "", src.modified, f)
}
