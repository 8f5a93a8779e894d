# The operator's container image, for users with a container engine and a registry:
#   docker build --build-arg REVISION="$(git rev-parse HEAD)" -t registry.example.com/sqlite-operator:0.1.0 .
# The same files and labels as `make image` (which builds it with buildah, no engine needed): both run
# scripts/image-rootfs.sh, which copies the binary, the backend plugins the build put in its plugin directory,
# exactly their shared-library closure, the dynamic loader and a passwd/group with the nonroot user 65532. No shell,
# no package manager. REVISION is the commit built (the build context has no .git to read it from).

# Debian bookworm, pinned by digest: the linux/amd64 image manifest of debian:bookworm-20251229 (Debian 12.12),
# as published on the Debian image's checksums page (debuerreotype docker-debian-artifacts). The digest pins
# amd64 only; on another architecture, replace it with that architecture's digest of the same tag.
FROM debian:bookworm-20251229@sha256:4216e8fe27fdd803d2822d08ed9de39825a41a47e34c32b71a23ac074f91eaf4 AS builder
ARG VERSION=0.1.0
WORKDIR /src
# The build packages come from the project's own list, installed before the sources so the layer is cached.
COPY scripts/deps.sh scripts/deps.sh
RUN scripts/deps.sh build && rm -rf /var/lib/apt/lists/*
COPY . .
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSQLOP_BUILD_TESTS=OFF -DSQLOP_BUILD_BENCH=OFF \
 && cmake --build /build -j2 \
 && built=$(/build/bin/sqlite-operator version | awk 'NR == 1 { print $2 }') \
 && { [ "$built" = "$VERSION" ] || { echo "binary is $built, but VERSION is $VERSION" >&2; exit 1; }; } \
 && scripts/image-rootfs.sh /build /rootfs

FROM scratch
ARG VERSION=0.1.0
ARG REVISION=unknown
COPY --from=builder /rootfs/ /
USER 65532:65532
EXPOSE 8080 8081
LABEL org.opencontainers.image.title="sqlite-operator" \
      org.opencontainers.image.description="Kubernetes operator for SQLite databases replicated with Litestream" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}"
ENTRYPOINT ["/usr/local/bin/sqlite-operator"]
CMD ["run"]
