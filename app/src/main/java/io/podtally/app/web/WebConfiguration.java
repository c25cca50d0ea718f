package io.podtally.app.web;

import io.podtally.app.config.AdminProperties;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/** Registers the admin token check. */
@Configuration(proxyBeanMethods = false)
@OpenAPIDefinition(info = @Info(title = "podtally", version = "v1",
        description = "Node list with active pod counts for Kubernetes dashboards"))
@SecurityScheme(name = "admin-token", type = SecuritySchemeType.HTTP, scheme = "bearer")
class WebConfiguration implements WebMvcConfigurer {

    private final AdminProperties admin;

    WebConfiguration(AdminProperties admin) {
        this.admin = admin;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new AdminTokenInterceptor(admin)).addPathPatterns("/api/v1/admin/**");
    }
}
