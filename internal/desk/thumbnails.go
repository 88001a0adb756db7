package desk

import (
	"bytes"
	"context"
	"crypto/rand"
	"image"
	"image/png"
	"path/filepath"
	"strings"

	"github.com/twindesk/twindesk/internal/model"
)

// thumbSize is the longest side of a thumbnail, in pixels (Zendesk's are 80).
const thumbSize = 80

// maxThumbPixels bounds the images decoded for a thumbnail: decoding holds the
// whole image, up to 4 bytes a pixel (64 MB here), and a small compressed file
// can declare a huge one. Larger images get no thumbnail. Decodes run one at a
// time (Service.thumbSlots), so uploads in parallel don't multiply it.
const maxThumbPixels = 4096 * 4096

// makeThumbnail stores a PNG thumbnail of image a and returns its row, not yet
// saved; false when a is no decodable PNG, JPEG or GIF within maxThumbPixels.
func (s *Service) makeThumbnail(ctx context.Context, a model.Attachment) (model.Attachment, bool) {
	if a.Width <= 0 || a.Height <= 0 || a.Width*a.Height > maxThumbPixels || s.thumbSlots == nil {
		return model.Attachment{}, false
	}
	select {
	case s.thumbSlots <- struct{}{}:
		defer func() { <-s.thumbSlots }()
	case <-ctx.Done():
		return model.Attachment{}, false
	}
	r, err := s.blobs.Open(ctx, a.BlobID)
	if err != nil {
		return model.Attachment{}, false
	}
	img, _, err := image.Decode(r)
	_ = r.Close()
	if err != nil {
		return model.Attachment{}, false
	}
	th := shrink(img, thumbSize)
	var buf bytes.Buffer
	if err := png.Encode(&buf, th); err != nil {
		return model.Attachment{}, false
	}
	info, err := s.blobs.Put(ctx, &buf, int64(buf.Len()))
	if err != nil {
		s.log.WarnContext(ctx, "thumbnail not stored", "err", err)
		return model.Attachment{}, false
	}
	b := th.Bounds()
	return model.Attachment{UploadToken: a.UploadToken, ContentToken: rand.Text(), BlobID: info.ID,
		UploaderID: a.UploaderID, FileName: thumbName(a.FileName), ContentType: "image/png", Size: info.Size,
		SHA256: info.SHA256, Width: int64(b.Dx()), Height: int64(b.Dy()), CreatedAt: a.CreatedAt}, true
}

// shrink scales img to fit within size x size, keeping its proportions, by
// averaging the source pixels each target pixel covers; smaller images are
// copied as they are.
func shrink(img image.Image, size int) *image.RGBA {
	sb := img.Bounds()
	w, h := sb.Dx(), sb.Dy()
	tw, th := w, h
	if w > size || h > size {
		if w >= h {
			tw, th = size, max(1, h*size/w)
		} else {
			tw, th = max(1, w*size/h), size
		}
	}
	dst := image.NewRGBA(image.Rect(0, 0, tw, th))
	for y := range th {
		y0, y1 := sb.Min.Y+y*h/th, sb.Min.Y+max((y+1)*h/th, y*h/th+1)
		for x := range tw {
			x0, x1 := sb.Min.X+x*w/tw, sb.Min.X+max((x+1)*w/tw, x*w/tw+1)
			var r, g, b, a, n uint64
			for sy := y0; sy < y1; sy++ {
				for sx := x0; sx < x1; sx++ {
					cr, cg, cb, ca := img.At(sx, sy).RGBA()
					r, g, b, a, n = r+uint64(cr), g+uint64(cg), b+uint64(cb), a+uint64(ca), n+1
				}
			}
			i := dst.PixOffset(x, y)
			dst.Pix[i], dst.Pix[i+1], dst.Pix[i+2], dst.Pix[i+3] = uint8(r/n>>8), uint8(g/n>>8), uint8(b/n>>8), uint8(a/n>>8)
		}
	}
	return dst
}

// thumbName is "photo_thumb.png" for "photo.jpg".
func thumbName(name string) string {
	return strings.TrimSuffix(name, filepath.Ext(name)) + "_thumb.png"
}
