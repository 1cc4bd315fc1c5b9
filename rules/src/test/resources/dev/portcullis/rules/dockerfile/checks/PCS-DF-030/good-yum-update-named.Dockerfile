FROM debian:12.5
RUN yum update -y openssl && yum clean all
USER 10001
HEALTHCHECK CMD ["/app/health"]
