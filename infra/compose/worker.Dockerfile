# A saesplit worker: the launcher jar and its libraries (libtorch's CPU build included) on a JRE. Target 'cpu' (the
# default for worker-cpu), or 'gpu': the same plus the CUDA libtorch of PyPI's torch wheel, pinned by
# infra/torch-requirements.txt as infra/torch-env.sh installs it (docs/training-speed.md, "On a GPU").
ARG MAVEN_IMAGE
ARG JRE_IMAGE
ARG PYTHON_IMAGE
FROM ${MAVEN_IMAGE} AS build
WORKDIR /src
COPY . .
RUN mvn -B -DskipTests package

# torch/lib finds the nvidia-* wheels' CUDA libraries by its run path ($ORIGIN/../../nvidia/...): installed side by
# side under /opt/torch, they keep that layout.
FROM ${PYTHON_IMAGE} AS torch
COPY infra/torch-requirements.txt /tmp/torch-requirements.txt
RUN python -m pip install --no-cache-dir --disable-pip-version-check --target /opt/torch \
    -r /tmp/torch-requirements.txt

FROM ${JRE_IMAGE} AS cpu
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

FROM cpu AS gpu
COPY --from=torch /opt/torch /opt/torch
ENV SAESPLIT_LIBTORCH=/opt/torch/torch/lib
CMD ["worker", "--queues", "gpu", "--device", "cuda"]
