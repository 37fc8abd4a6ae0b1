# syntax=docker/dockerfile:1
ARG NODE=20

# build: the original steps, on the full image
FROM node:${NODE}-bookworm AS build
WORKDIR /srv
ENV NODE_ENV=production PORT=8080
COPY package.json package-lock.json ./
# dev dependencies are needed for the build
RUN npm install
COPY . .
RUN npm run build
RUN npm prune --omit=dev

# final: distroless, no shell, no package manager, nonroot
FROM gcr.io/distroless/nodejs20-debian12:nonroot
WORKDIR /srv
ENV NODE_ENV=production PORT=8080
LABEL org.opencontainers.image.source=https://example.com/app
EXPOSE 8080
COPY --from=build --chown=65532:65532 /srv /srv
USER 65532:65532
CMD ["npm", "start"]
