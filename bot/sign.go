package bot

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"time"
)

// Sign returns the X-Slack-Signature Slack sends with body at timestamp ts:
// "v0=" and the hex HMAC-SHA256 of "v0:ts:body" keyed with the signing
// secret. Tests and load tools use it to sign requests exactly as Slack does.
func Sign(secret string, ts int64, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + strconv.FormatInt(ts, 10) + ":"))
	mac.Write(body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

// SignRequest sets the two headers Slack signs a request with.
func SignRequest(h http.Header, secret string, at time.Time, body []byte) {
	ts := at.Unix()
	h.Set("X-Slack-Request-Timestamp", strconv.FormatInt(ts, 10))
	h.Set("X-Slack-Signature", Sign(secret, ts, body))
}
