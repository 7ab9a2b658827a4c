# tkms server image, made from the jar the Maven build leaves in target/ (no build inside the
# image), from the repository root:
#
#   ./mvnw -q package -DskipTests && docker build -t tkms/kms:0.1.0 .
#
# RUNTIME_IMAGE: any JRE 17 image with `java` on the PATH (Temurin's by default; k8s/image-test.sh
# builds on a Debian bookworm one with openjdk-17-jre-headless, /usr/bin/java).
ARG RUNTIME_IMAGE=eclipse-temurin:17.0.15_6-jre

# ---- runtime: a pinned JRE 17, no build tools, a non-root numeric user
FROM ${RUNTIME_IMAGE}
WORKDIR /app
COPY target/kms.jar /app/kms.jar
COPY conf/ /app/conf/
# The Deployment's runAsUser/runAsGroup (k8s/base/deployment.yaml); files stay root-owned, read-only.
USER 10001:10001
# API (KMS_HTTP_PORT), management (KMS_ADMIN_PORT), Prometheus /metrics (KMS_METRICS_PORT).
EXPOSE 8080 9090 9100
# Heap as a share of the container's memory limit; the Deployment sets the same through its env.
ENV JDK_JAVA_OPTIONS="-XX:MaxRAMPercentage=70.0 -XX:+ExitOnOutOfMemoryError"
# Exec form: java is PID 1 and gets SIGTERM itself (it drains, then exits 0).
ENTRYPOINT ["java", "-jar", "/app/kms.jar"]
