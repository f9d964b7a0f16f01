# syntax=docker/dockerfile:1
# Node 26 is the current LTS line ("Lithium", LTS since October 2026); package.json
# still allows Node >= 20 for machines that have it, and CI tests both.
# Build stage: install dependencies (dev included), check the types, compile TypeScript.
FROM node:26-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.mjs ./scripts/
COPY src ./src
RUN npx tsc -p tsconfig.build.json --noEmit && npm run build

# Runtime stage: production dependencies and the compiled bot, as a non-root user.
FROM node:26-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080 STARDUST_DATA_DIR=/data
# glibc malloc: two arenas instead of one per thread, and blocks of 128 KB or more (pixel buffers,
# images) mapped on their own, so they go back to the system when freed (see README, Figures).
ENV MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY migrations ./migrations
COPY assets ./assets
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
# Docker and docker compose use this; Render ignores it (set healthCheckPath: /health there, see render.yaml).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/health').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["node", "--liftoff-only", "--max-semi-space-size=4", "dist/main.js"]
