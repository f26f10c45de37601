package io.unimllm.remote;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.jdk.JdkHttpClientBuilder;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import java.io.IOException;
import java.net.http.HttpConnectTimeoutException;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LangChain4j's JDK HTTP client with the remote model's transport policy around it (LangChain4j's own retries are
 * off): a bounded number of retries with exponential backoff for connection failures, 5xx and 429 only; a typed
 * {@link RemoteModelException} for every failure; and the shape check of a 2xx answer ({@link ChatAnswer#read}), so
 * that a body that is not a chat completion is reported as such instead of as whatever LangChain4j's parsing of it
 * throws.
 *
 * <p>Failures leave through LangChain4j as an {@link EndpointFailure} without a cause, which its exception mapper
 * passes on unchanged (it looks at the root cause); {@link RemoteMllm} takes the {@link RemoteModelException} out.
 */
final class RetryingHttpClient implements HttpClient {
    private static final Logger LOG = LoggerFactory.getLogger(RetryingHttpClient.class);

    private final HttpClient delegate;
    private final int maxRetries;
    private final Duration backoff;

    /** Carries a {@link RemoteModelException} through LangChain4j's exception mapping. */
    static final class EndpointFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final RemoteModelException failure;

        EndpointFailure(RemoteModelException failure) {
            super(failure.getMessage(), null, false, false);
            this.failure = failure;
        }

        RemoteModelException failure() {
            return failure;
        }
    }

    private RetryingHttpClient(HttpClient delegate, int maxRetries, Duration backoff) {
        this.delegate = delegate;
        this.maxRetries = maxRetries;
        this.backoff = backoff;
    }

    /**
     * The builder LangChain4j's OpenAI model is given: it sets the read timeout (the remote model's timeout); the
     * connect timeout is the remote model's own, whatever LangChain4j sets.
     */
    static final class Builder implements HttpClientBuilder {
        private final Duration connectTimeout;
        private final int maxRetries;
        private final Duration backoff;
        private Duration readTimeout;

        Builder(Duration connectTimeout, Duration readTimeout, int maxRetries, Duration backoff) {
            this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
            this.readTimeout = Objects.requireNonNull(readTimeout, "readTimeout");
            this.maxRetries = maxRetries;
            this.backoff = Objects.requireNonNull(backoff, "backoff");
        }

        @Override
        public Duration connectTimeout() {
            return connectTimeout;
        }

        @Override
        public HttpClientBuilder connectTimeout(Duration timeout) {
            return this; // the remote model's connect timeout stays
        }

        @Override
        public Duration readTimeout() {
            return readTimeout;
        }

        @Override
        public HttpClientBuilder readTimeout(Duration timeout) {
            if (timeout != null) {
                this.readTimeout = timeout;
            }
            return this;
        }

        @Override
        public HttpClient build() {
            return new RetryingHttpClient(new JdkHttpClientBuilder().connectTimeout(connectTimeout)
                    .readTimeout(readTimeout).build(), maxRetries, backoff);
        }
    }

    @Override
    public SuccessfulHttpResponse execute(HttpRequest request) {
        String url = request.url();
        for (int attempt = 1;; attempt++) {
            RemoteModelException failure;
            boolean retriable;
            try {
                SuccessfulHttpResponse response = delegate.execute(request);
                try {
                    ChatAnswer.read(response.body());
                } catch (ChatAnswer.BadShape e) {
                    throw new EndpointFailure(new RemoteModelException(RemoteModelException.Kind.BAD_RESPONSE, url,
                            response.statusCode(), attempt, e.getMessage(), e.getCause()));
                }
                return response;
            } catch (HttpException e) {
                int status = e.statusCode();
                retriable = status >= 500 || status == 429;
                failure = new RemoteModelException(RemoteModelException.Kind.HTTP_STATUS, url, status, attempt,
                        "the endpoint answered HTTP " + status + ": " + ChatAnswer.errorText(e.getMessage()), null);
            } catch (TimeoutException e) {
                retriable = causedBy(e, HttpConnectTimeoutException.class);
                failure = retriable
                        ? new RemoteModelException(RemoteModelException.Kind.CONNECTION_FAILED, url, -1, attempt,
                                "no connection to the endpoint within the connect timeout", e)
                        : new RemoteModelException(RemoteModelException.Kind.TIMEOUT, url, -1, attempt,
                                "the endpoint did not answer within the timeout", e);
            } catch (EndpointFailure e) {
                throw e;
            } catch (RuntimeException e) {
                if (!causedBy(e, IOException.class)) {
                    throw e; // an interruption, or a failure that is not the endpoint's
                }
                retriable = true;
                failure = new RemoteModelException(RemoteModelException.Kind.CONNECTION_FAILED, url, -1, attempt,
                        "cannot reach the endpoint: " + ioMessage(e), e);
            }
            if (!retriable || attempt > maxRetries) {
                throw new EndpointFailure(failure);
            }
            long wait = backoff.toMillis() << Math.min(attempt - 1, 16);
            LOG.debug("attempt {} of {} failed ({}); retrying in {} ms", attempt, maxRetries + 1, failure.getMessage(),
                    wait);
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EndpointFailure(failure);
            }
        }
    }

    @Override
    public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
        delegate.execute(request, parser, listener);
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }

    /** The first I/O exception of the chain, by its class and message. */
    private static String ioMessage(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof IOException) {
                return c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
            }
        }
        return t.toString();
    }
}
