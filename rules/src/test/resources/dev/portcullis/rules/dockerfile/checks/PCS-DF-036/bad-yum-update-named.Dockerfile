FROM rockylinux:9.3
RUN yum update -y openssl
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
