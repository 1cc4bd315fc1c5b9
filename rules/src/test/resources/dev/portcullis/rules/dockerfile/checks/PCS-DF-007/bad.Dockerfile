FROM debian:12.5
RUN apt-get update \
 && curl -fsSL https://get.example.com/install.sh | bash -s -- --yes
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
