FROM debian:12.5
RUN echo S3cretPass | passwd --stdin app
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
