FROM debian:12.5
USER app
RUN id
USER root
HEALTHCHECK CMD ["/app/health"]
# expect line 4
