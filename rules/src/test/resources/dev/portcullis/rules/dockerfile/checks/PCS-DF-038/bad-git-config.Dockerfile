FROM debian:12.5
RUN git config --global http.sslVerify false
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
