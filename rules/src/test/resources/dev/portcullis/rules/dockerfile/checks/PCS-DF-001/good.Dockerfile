FROM debian:12.5
RUN useradd app
USER 10001
HEALTHCHECK CMD ["/app/health"]
CMD ["app"]
