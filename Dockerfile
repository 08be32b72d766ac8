# inferguard sidecar image: Debian 12, built from this repository with its own scripts.
#   scripts/image.sh                          (base made here with mmdebstrap, podman build, smoke runs)
#   podman build --build-arg BASE=debian:12-slim -t inferguard:dev .   (where a registry is reachable)
ARG BASE=debian:12-slim
FROM ${BASE} AS build
WORKDIR /src
COPY scripts/install-deps.sh scripts/install-deps.sh
RUN scripts/install-deps.sh build
COPY . .
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release -DIG_BUILD_TESTS=OFF -DIG_BUILD_BENCH=OFF \
          -DCMAKE_INSTALL_PREFIX=/usr \
 && cmake --build /build -j"$(nproc)" --target inferguard \
 && cmake --install /build --prefix /usr --strip

FROM ${BASE}
# Runtime libraries only (the -dev packages' shared objects).
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      libpcap0.8 libndpi4.2 libhtp2 libevent-2.1-7 libevent-core-2.1-7 libevent-openssl-2.1-7 librdkafka1 \
      libgsl27 libmsgpackc2 libyaml-0-2 zlib1g libhyperscan5 libssl3 libseccomp2 \
      libnghttp2-14 libprotobuf-c1 ca-certificates \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin \
 && mkdir -p /var/lib/inferguard && chown 65532:65532 /var/lib/inferguard
COPY --from=build /usr/bin/inferguard /usr/bin/inferguard
# The rules are compiled into the binary; the files are here to start your own from.
COPY --from=build /usr/share/inferguard /usr/share/inferguard
# Starts as root with only NET_RAW, SETUID and SETGID granted (deploy/), opens the capture,
# then becomes 65532, drops every capability and installs its seccomp filter (run --user).
ENTRYPOINT ["/usr/bin/inferguard"]
CMD ["run", "-i", "eth0", "-c", "/etc/inferguard/config.yaml", "--user", "65532:65532"]
