# build: the original steps, on the full image
FROM python:3.11-slim AS build
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN pip install --no-cache-dir --target=/app/.venv-packages -r requirements.txt

# final: distroless, no shell, no package manager, nonroot
FROM gcr.io/distroless/python3-debian12:nonroot
WORKDIR /app
EXPOSE 5000
ENV PYTHONPATH=/app/.venv-packages
COPY --from=build --chown=65532:65532 /app /app
USER 65532:65532
CMD ["app.py"]
