FROM debian:12.5
USER 10001
RUN sudo apt-get update
HEALTHCHECK CMD ["/app/health"]
# expect line 3
