FROM debian:12.5
USER 10001
HEALTHCHECK CMD ["/app/health"]
ENTRYPOINT ["a"]
CMD ["b"]
