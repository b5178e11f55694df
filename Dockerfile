# connreset as a container: `connreset serve`, the Prometheus exporter, by default.
# Multi-stage: the build stage has the compiler and dev dependencies; the runtime stage has only
# Node, the production dependencies and the compiled code, and runs as the image's unprivileged
# `node` user (uid 1000). Validated by test/serve/packaging.test.ts (no Docker engine in CI).
#
#   docker build -t connreset .
#   docker run --rm -p 9890:9890 -v "$PWD/connreset.yml:/etc/connreset/connreset.yml:ro" connreset
#   docker run --rm connreset check --help      # any command: the entrypoint's `serve` is replaced with --entrypoint
ARG NODE_VERSION=20

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` would build before the sources are copied; the build runs below
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts ./scripts
COPY bin ./bin
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/bin ./bin
COPY --from=build /src/dist ./dist
# mount the config here (a ConfigMap in Kubernetes): serve stops with an error naming the file when it is missing
RUN mkdir -p /etc/connreset
USER node
EXPOSE 9890
ENTRYPOINT ["node", "/app/bin/connreset.js", "serve"]
# inside a container the exporter must listen beyond loopback to be scraped; the modules' allow-lists still apply
CMD ["--listen", "0.0.0.0:9890", "--config", "/etc/connreset/connreset.yml"]
