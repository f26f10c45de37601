package io.unimllm.server;

import java.util.Objects;

/**
 * A request the server answers with an OpenAI-style error object
 * ({@code {"error": {"message", "type", "param", "code"}}}) and an HTTP status.
 */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Error type of a request the caller must change. */
    public static final String INVALID_REQUEST = "invalid_request_error";

    private final int status;
    private final String type;
    private final String param;
    private final String code;

    /**
     * An error answer.
     *
     * @param status the HTTP status, 400 to 599
     * @param type the error's type, e.g. {@value #INVALID_REQUEST}
     * @param param the request parameter at fault (a JSON path such as {@code messages[0].content}), or null
     * @param code a machine-readable code, e.g. {@code invalid_json}, or null
     * @param message what was wrong and where, for a person
     * @throws IllegalArgumentException when {@code status} is not an error status
     */
    public ApiException(int status, String type, String param, String code, String message) {
        super(Objects.requireNonNull(message, "message"));
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("an error answer needs a 4xx or 5xx status, got " + status);
        }
        this.status = status;
        this.type = Objects.requireNonNull(type, "type");
        this.param = param;
        this.code = code;
    }

    /**
     * A 400 answer for a request the caller must change.
     *
     * @param param the parameter at fault, or null
     * @param code the machine-readable code
     * @param message what was wrong and where
     * @return the error
     */
    public static ApiException invalid(String param, String code, String message) {
        return new ApiException(400, INVALID_REQUEST, param, code, message);
    }

    /**
     * The HTTP status.
     *
     * @return the status, 400 to 599
     */
    public int status() {
        return status;
    }

    /**
     * The error's type.
     *
     * @return the type, e.g. {@value #INVALID_REQUEST}
     */
    public String type() {
        return type;
    }

    /**
     * The parameter at fault.
     *
     * @return a JSON path into the request, or null
     */
    public String param() {
        return param;
    }

    /**
     * The machine-readable code.
     *
     * @return the code, or null
     */
    public String code() {
        return code;
    }
}
