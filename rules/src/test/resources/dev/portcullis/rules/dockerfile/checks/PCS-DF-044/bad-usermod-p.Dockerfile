FROM debian:12.5
RUN usermod -p '$6$abc$def' app
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
