# escape=`
from alpine:3.20
label org.opencontainers.image.authors="`"quoted`" name"
run apk add --no-cache   curl=8.9.1-r0 `
      jq=1.7.1-r0
RUN ["apk", "add", "git=2.45.2-r0"]
RUN sh -c "pip install x==1"
RUN npm install && npm run build
