package model

import "time"

// Attachment is a file uploaded with POST /api/v2/uploads. Until a comment names
// its upload token it belongs to its uploader alone; then to the comment's ticket.
type Attachment struct {
	ID int64
	// UploadToken groups the files of one upload session (Zendesk's "token").
	UploadToken string
	// ContentToken is the random part of the download URL.
	ContentToken string
	// BlobID addresses the bytes in the blob store; "" once redacted.
	BlobID     string
	UploaderID int64
	// TicketID and CommentID are 0 until the upload is attached.
	TicketID  int64
	CommentID int64
	// CommentPublic is the attached comment's public flag (read with the row).
	CommentPublic bool
	FileName      string
	ContentType   string
	Size          int64
	// SHA256 is the hex digest of the content.
	SHA256 string
	// Width and Height are an image's dimensions, 0 for other files.
	Width, Height int64
	CreatedAt     time.Time
	// ThumbnailOf is the original's id when this row is an image's thumbnail.
	ThumbnailOf int64
	// Thumbnails are this image's thumbnails (see NestThumbnails).
	Thumbnails []Attachment
}

// NestThumbnails moves the thumbnails of list into their originals' Thumbnails
// and returns the originals, in list's order. A thumbnail whose original is not
// in list is dropped.
func NestThumbnails(list []Attachment) []Attachment {
	out := make([]Attachment, 0, len(list))
	at := map[int64]int{}
	for _, a := range list {
		if a.ThumbnailOf == 0 {
			at[a.ID] = len(out)
			out = append(out, a)
		}
	}
	for _, a := range list {
		if i, ok := at[a.ThumbnailOf]; ok && a.ThumbnailOf != 0 {
			out[i].Thumbnails = append(out[i].Thumbnails, a)
		}
	}
	return out
}
