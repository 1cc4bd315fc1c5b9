FROM golang:1.22 AS build
FROM node:20.11 AS build
FROM debian:12.5
USER 10001
HEALTHCHECK CMD ["/app/health"]
# expect line 2
