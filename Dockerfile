# Gatehouse container image. Build: docker build -t gatehouse .
# Runs the same `npm start` as the quick start; mount /data for the embedded SQLite database,
# or set GATEHOUSE_DATABASE_URL / GATEHOUSE_REDIS_URL for PostgreSQL and Redis.
FROM node:24-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY apps/server/package.json apps/server/
COPY packages/contracts/package.json packages/contracts/
COPY packages/connector-kit/package.json packages/connector-kit/
COPY packages/connectors/package.json packages/connectors/
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    GATEHOUSE_HOST=0.0.0.0 \
    GATEHOUSE_PORT=3000 \
    GATEHOUSE_DATA_DIR=/data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY . .
RUN mkdir -p /data && chown -R node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s CMD node -e "fetch('http://127.0.0.1:3000/health/ready').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["node", "apps/server/bin/gatehouse.js", "start"]
