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
COPY apps/login/package.json apps/login/
COPY apps/login/scripts apps/login/scripts
COPY packages/login-element/package.json packages/login-element/
COPY apps/console/package.json apps/console/
COPY apps/console/scripts apps/console/scripts
# The root `prepare` script finds no login-UI or console sources here and skips; the build stage builds them.
RUN npm ci --omit=dev --no-audit --no-fund

# The front ends (login UI, admin console) are built with the dev dependencies (Vite) in a
# stage of their own; only their output reaches the image.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund --ignore-scripts && npm run build:login && npm run build:console

FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    GATEHOUSE_HOST=0.0.0.0 \
    GATEHOUSE_PORT=3000 \
    GATEHOUSE_DATA_DIR=/data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY . .
COPY --from=build /app/apps/login/dist ./apps/login/dist
COPY --from=build /app/packages/login-element/dist ./packages/login-element/dist
COPY --from=build /app/apps/console/dist ./apps/console/dist
RUN mkdir -p /data && chown -R node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s CMD node -e "fetch('http://127.0.0.1:3000/health/ready').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
CMD ["node", "apps/server/bin/gatehouse.js", "start"]
