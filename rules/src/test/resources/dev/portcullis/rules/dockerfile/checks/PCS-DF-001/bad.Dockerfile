FROM debian:12.5
RUN useradd app
HEALTHCHECK CMD ["/app/health"]
CMD ["app"]
# expect line 1
