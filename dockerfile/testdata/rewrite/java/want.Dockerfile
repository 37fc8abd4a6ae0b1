# build: the original steps, on the full image
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /app
COPY pom.xml .
COPY src ./src
RUN mvn -q package -DskipTests && cp target/*.jar app.jar

# final: distroless, no shell, no package manager, nonroot
FROM gcr.io/distroless/java17-debian12:nonroot
WORKDIR /app
EXPOSE 8080
COPY --from=build --chown=65532:65532 /app /app
USER 65532:65532
CMD ["app.jar"]
