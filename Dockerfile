# syntax=docker/dockerfile:1
# One image for the API (+ web), the worker and the migrate job; docker-compose.yml picks the command.
# Node 24 runs the TypeScript sources directly (type stripping): there is no compile step except the web app.

ARG NODE_IMAGE=node:24-slim

##### build: all dependencies, the web build, then only production dependencies #####
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build:web
RUN npm prune --omit=dev

##### runtime #####
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=3000
WORKDIR /app
# Files stay owned by root (read-only to the app); the processes run as the image's unprivileged `node` user.
COPY --from=build /app /app
USER node
# 3000: the app. 9464 / 9465: the API's and the worker's Prometheus metrics (METRICS_PORT, WORKER_METRICS_PORT
# in docker-compose.yml), for the scraper on the internal network only: never publish them.
EXPOSE 3000 9464 9465
# docker-compose.yml overrides this for the worker (`node worker.ts`) and the migrate job (`node cli/main.ts migrate`).
CMD ["node", "api/main.ts"]
