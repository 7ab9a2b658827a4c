# syntax=docker/dockerfile:1
# tkms server image. Not built in CI (no container engine on the build machines): DockerfileTest
# checks it statically. Build with `docker build -t tkms/kms:0.1.0 .` from the repository root.

# ---- build: the Maven wrapper on a pinned JDK 17 (the image's curl lets the wrapper fetch Maven)
FROM maven:3.9.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
COPY src/ src/
RUN ./mvnw -q -B package -DskipTests

# ---- runtime: a pinned JRE 17, no build tools, a non-root numeric user
FROM eclipse-temurin:17.0.15_6-jre
WORKDIR /app
COPY --from=build /src/target/kms.jar /app/kms.jar
COPY conf/ /app/conf/
# The Deployment's runAsUser/runAsGroup (k8s/base/deployment.yaml); files stay root-owned, read-only.
USER 10001:10001
# API (KMS_HTTP_PORT), management (KMS_ADMIN_PORT), Prometheus /metrics (KMS_METRICS_PORT).
EXPOSE 8080 9090 9100
# Heap as a share of the container's memory limit; the Deployment sets the same through its env.
ENV JDK_JAVA_OPTIONS="-XX:MaxRAMPercentage=70.0 -XX:+ExitOnOutOfMemoryError"
# Exec form: java is PID 1 and gets SIGTERM itself (it drains, then exits 0).
ENTRYPOINT ["java", "-jar", "/app/kms.jar"]
