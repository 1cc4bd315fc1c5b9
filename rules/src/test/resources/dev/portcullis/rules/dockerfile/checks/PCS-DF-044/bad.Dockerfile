FROM debian:12.5
RUN echo 'app:S3cretPass' | chpasswd
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
