# Not built or tested in this project's CI (no Docker engine there); nothing depends on it.
# docker build -t switchboard .
# docker run -p 8080:8080 -p 31000-31099:31000-31099/udp -e SWITCHBOARD_MEDIA_ADDRESS=<this host's IP> \
#   -e SWITCHBOARD_DEV_IDENTITIES=true switchboard          (or your own tenants: -e SWITCHBOARD_CONFIG=/config.json -v ...)
# On 0.0.0.0 the server needs the address participants reach (SWITCHBOARD_MEDIA_ADDRESS) and refuses the published
# development identities unless SWITCHBOARD_DEV_IDENTITIES=true or a config file replaces them (docs/operations.md).
# JDK 25 builds the multi-release jar: the main code is release 21, the libopus binding (META-INF/versions/22) needs a
# JDK 22+ compiler. The runtime is JRE 25 with Debian's/Ubuntu's libopus0 so Opus runs on the C libopus (docs/media.md);
# on a JRE 21 the same jar runs with Concentus, the pure-Java Opus, at about 4x the CPU per Opus encode.
FROM maven:3.9-eclipse-temurin-25 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q -ntp dependency:go-offline
COPY src src
RUN mvn -B -q -ntp -DskipTests package

FROM eclipse-temurin:25-jre
RUN apt-get update && apt-get install -y --no-install-recommends libopus0 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /src/target/switchboard.jar /app/switchboard.jar
# The recommended memory settings (docs/operations.md#jvm-options); JDK 21 ignores UseCompactObjectHeaders.
# ThreadPriorityPolicy=1 runs the media threads at nice -5 when the container may (docker run --cap-add SYS_NICE);
# without that capability the kernel refuses and the JVM carries on at nice 0. The jar's
# manifest enables native access (Enable-Native-Access: ALL-UNNAMED) for libopus, so no flag is needed with -jar.
ENV MALLOC_ARENA_MAX=2
ENV JDK_JAVA_OPTIONS="-XX:+IgnoreUnrecognizedVMOptions -XX:+UseSerialGC -Xms24m -XX:NewSize=16m -Xmx256m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20 -XX:SurvivorRatio=2 -XX:TargetSurvivorRatio=90 -XX:+UseCompactObjectHeaders -XX:TrimNativeHeapInterval=1000 -XX:MaxMetaspaceSize=128m -XX:ReservedCodeCacheSize=128m -Xss512k -XX:MaxDirectMemorySize=64m -XX:ThreadPriorityPolicy=1"
# A JDK 25 AOT cache (classes and method profiles from a short self-training run, docs/operations.md#aot-cache), made
# with the same JVM options as the server's and used by the entrypoint: a warm API from the first request. It costs
# ~40-60 MB of RSS (mapped); to run without it, override the entrypoint without -XX:AOTCache.
RUN java -XX:AOTCacheOutput=/app/switchboard.aot -jar /app/switchboard.jar train
VOLUME /data
EXPOSE 8080
ENTRYPOINT ["java", "-XX:AOTCache=/app/switchboard.aot", "-jar", "/app/switchboard.jar", "serve", "--host", "0.0.0.0", "--data-dir", "/data", "--media-ports", "31000-31099"]
