# build: the original steps, on the full image
FROM node:18 AS build
WORKDIR /app
COPY . .
RUN npm install --omit=dev

# final: distroless, no shell, no package manager, nonroot
FROM gcr.io/distroless/nodejs18-debian12:nonroot
WORKDIR /app
COPY --from=build --chown=65532:65532 /app /app
USER 65532:65532
CMD ["index.js"]
