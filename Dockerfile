# The ClawdBot image: the `clawdbot` command, run as `gateway --no-worker …` or `worker …`
# (see docker-compose.yml). The image holds the sources, the production npm packages, the
# Control UI's bundle and dist/ (our TypeScript compiled by esbuild, which bin/clawdbot.js
# runs; tsx stays for plugins' .ts entries).
#
# Debian, not Alpine: Temporal's native core bridge is built for glibc only.

FROM node:20-bookworm-slim AS dependencies
WORKDIR /app
# .npmrc skips an optional native download (onnxruntime) and npm's fund/audit chatter.
COPY package.json package-lock.json .npmrc ./
# npm ci's postinstall applies the pinned SDK patches (patches/, scripts/apply-patches.mjs).
COPY patches ./patches
COPY scripts/apply-patches.mjs ./scripts/
# Production packages only: tsx (the TypeScript loader) is one of them.
RUN npm ci --omit=dev && npm cache clean --force

FROM node:20-bookworm-slim
# chromium: for the browser tool; tini: reaps the processes the bash and process tools leave
# behind and forwards SIGTERM to node, so a stopping worker shuts down in order.
RUN apt-get update \
  && apt-get install -y --no-install-recommends ca-certificates chromium tini \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=dependencies /app/node_modules ./node_modules
COPY . .
# The Control UI (web/src → web/dist): esbuild is a production package, so no dev tools.
RUN node scripts/build-web.mjs
# Our TypeScript → dist/ (esbuild): starts about a second sooner than through tsx. COPY keeps
# the files' mtimes, which is what dist's freshness stamp compares.
RUN node scripts/build-dist.mjs
# The app stays owned by root (read-only to the service). Writable by the `node` user: the
# workflow bundle cache (a worker bundles its workflows on first start and keeps the result
# here) and /data, which a named volume mounted there copies on first use.
RUN mkdir -p node_modules/.cache/clawdbot /data \
  && chown node:node node_modules/.cache/clawdbot /data
ENV CLAWDBOT_STATE_DIR=/data
# glibc gives each thread that allocates under contention its own malloc arena (up to 8 per
# core), and each keeps freed memory; two arenas hold an idle gateway ~10-14 MB smaller,
# at no CPU cost measured (bench:perf). Read only at process start, hence here.
ENV MALLOC_ARENA_MAX=2
USER node
VOLUME /data
EXPOSE 18789
ENTRYPOINT ["tini", "--", "node", "/app/bin/clawdbot.js"]
CMD ["--help"]
