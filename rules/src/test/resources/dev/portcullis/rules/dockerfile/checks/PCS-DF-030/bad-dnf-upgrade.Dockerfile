FROM debian:12.5
RUN dnf upgrade -y && dnf clean all
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
