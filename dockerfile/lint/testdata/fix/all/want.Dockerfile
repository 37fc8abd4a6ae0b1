FROM debian:12
LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
# refresh the index
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl=7.88.1 \
    # keep this comment
    git=1:2.39.2
RUN pip install --no-cache-dir flask==3.0.3 && apk add --no-cache git=2.45.2-r0
RUN npm ci --omit=dev
