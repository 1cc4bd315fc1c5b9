FROM debian:12.5
RUN useradd -m app && echo 'app:S3cretPass' | sudo chpasswd -e
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
