# A saesplit worker: the launcher jar and its libraries (libtorch's CPU build included) on a JRE.
ARG MAVEN_IMAGE
ARG JRE_IMAGE
FROM ${MAVEN_IMAGE} AS build
WORKDIR /src
COPY . .
RUN mvn -B -DskipTests package

FROM ${JRE_IMAGE}
RUN useradd --system --home /var/lib/saesplit saesplit && mkdir -p /var/lib/saesplit /srv/saesplit/artifacts \
    && chown saesplit /var/lib/saesplit /srv/saesplit/artifacts
COPY --from=build /src/launcher/target/saesplit.jar /opt/saesplit/saesplit.jar
COPY --from=build /src/launcher/target/lib /opt/saesplit/lib
COPY --from=build /src/migrations /opt/saesplit/migrations
USER saesplit
# native blocks of 8 MiB and more go back to the system when freed, as with saesplit's own script
ENV MALLOC_MMAP_THRESHOLD_=8388608 OMP_DYNAMIC=FALSE MKL_DYNAMIC=FALSE
# jdk.incubator.vector: the sparse training step's kernels in vector form (saesplit's own script adds it too)
ENTRYPOINT ["java", "--add-modules", "jdk.incubator.vector", "-Dsaesplit.root=/opt/saesplit", "-jar", "/opt/saesplit/saesplit.jar"]
CMD ["worker", "--queues", "cpu"]
