# Build: docker build -t hitl-gateway:0.1.0 .   Run: see docs/operations.md and k8s/.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml cluster.xml ./
RUN mvn -B -q dependency:go-offline
COPY src ./src
RUN mvn -B -q -DskipTests package

FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10001 hitl \
  && useradd --system --uid 10001 --gid hitl --home-dir /app --no-create-home --shell /usr/sbin/nologin hitl \
  && mkdir -p /app \
  && chown hitl:hitl /app
WORKDIR /app
COPY --from=build --chown=10001:10001 /src/target/hitl-gateway.jar /app/hitl-gateway.jar
# Heap sized from the container's memory limit; die on OOM so the orchestrator restarts a clean process;
# the module access Hazelcast asks for on Java 17.
ENV JDK_JAVA_OPTIONS="-XX:MaxRAMPercentage=75 -XX:InitialRAMPercentage=50 -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError \
--add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED \
--add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
--add-opens java.management/sun.management=ALL-UNNAMED --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED" \
    HITL_HTTP_PORT=8080 \
    HITL_DATA_DIR=/tmp/hitl
USER 10001:10001
EXPOSE 8080 5701 5710
# exec form: java is PID 1 and receives SIGTERM itself, so the gateway drains and leaves the cluster
ENTRYPOINT ["java", "-jar", "/app/hitl-gateway.jar"]
