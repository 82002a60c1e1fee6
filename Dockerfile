# syntax=docker/dockerfile:1
#
# Cercle: static cgo build (mattn/go-sqlite3) in a Debian builder, then a
# scratch runtime holding only the binary, CA certificates and /data.
# Time zone data is embedded in the binary (time/tzdata), so scratch is enough.
#
#   docker build --build-arg VERSION=$(git describe --always) -t cercle .
#   docker run -d --name cercle --stop-timeout 30 -v cercle-data:/data -e SLACK_BOT_TOKEN=… -e SLACK_APP_TOKEN=… cercle

FROM golang:1.26-bookworm AS build
WORKDIR /src
ENV GOMODCACHE=/go/pkg/mod GOCACHE=/root/.cache/go-build

# The volume mount point, owned by the runtime user (scratch has no mkdir/chown).
RUN mkdir -p /out/data && chown 65532:65532 /out/data

# Dependencies first: this layer is reused until go.mod or go.sum change.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod \
    go mod download

# Keep TAGS and the go build line identical to .ci/run.
ARG VERSION=dev
ARG TAGS="sqlite_fts5 sqlite_omit_load_extension osusergo netgo"
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=1 go build -trimpath -tags "$TAGS" -ldflags "-s -w -X main.version=$VERSION -linkmode external -extldflags '-static'" -o cercle . \
 && ! readelf -d cercle | grep -q NEEDED

FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build --chown=65532:65532 /out/data /data
COPY --from=build /src/cercle /cercle
USER 65532:65532
ENV CERCLE_DB=/data/cercle.db \
    CERCLE_HTTP_ADDR=:8080
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["/cercle", "healthcheck"]
ENTRYPOINT ["/cercle"]
