ARG BASE=alpine:3.19
FROM ${BASE} AS build
FROM build
FROM registry.local:5000/team/app@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
USER 10001
HEALTHCHECK CMD ["/app/health"]
