# inferguard sidecar image: Debian 12, built from this repository with its own scripts.
# docker build -t inferguard:dev .
FROM debian:12-slim AS build
WORKDIR /src
COPY scripts/install-deps.sh scripts/install-deps.sh
RUN scripts/install-deps.sh build
COPY . .
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release -DIG_BUILD_TESTS=OFF -DIG_BUILD_BENCH=OFF \
          -DCMAKE_INSTALL_PREFIX=/usr \
 && cmake --build /build -j"$(nproc)" \
 && cmake --install /build --prefix /usr --strip

FROM debian:12-slim
# Runtime libraries only (the -dev packages' shared objects).
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      libpcap0.8 libndpi4.2 libhtp2 libevent-2.1-7 libevent-core-2.1-7 librdkafka1 \
      libgsl27 libmsgpackc2 libyaml-0-2 zlib1g libhyperscan5 libssl3 ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /usr/bin/inferguard /usr/bin/inferguard
COPY --from=build /usr/share/inferguard /usr/share/inferguard
# Capture needs CAP_NET_RAW (granted in the pod spec), not root.
USER 65532:65532
ENTRYPOINT ["/usr/bin/inferguard"]
CMD ["run", "-i", "eth0", "-c", "/etc/inferguard/config.yaml"]
