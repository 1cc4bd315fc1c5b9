FROM debian:12.5 AS one
CMD ["a"]
FROM debian:12.5
USER 10001
HEALTHCHECK CMD ["/app/health"]
CMD ["b"]
