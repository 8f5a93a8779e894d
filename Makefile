# Thin front end over CMake and the scripts. Every target installs what it needs first.
BUILD_DIR ?= build
JOBS ?= 2
BUILD_TYPE ?= RelWithDebInfo
CTEST_ARGS ?=

.PHONY: all deps configure build test test-fast demo image bench install clean

all: build

deps:
	@scripts/deps.sh build

configure: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j$(JOBS) -- --no-print-directory

# Everything: unit tests, plugin and registry tests, schema tests, real Litestream / Azurite / s3rver runs.
# The tools are installed before the long build, so a missing one shows at once.
test:
	@scripts/deps.sh test
	@$(MAKE) --no-print-directory build
	@cd $(BUILD_DIR) && ctest --output-on-failure $(CTEST_ARGS)

# Everything but the end-to-end tests (label e2e: Litestream, Azurite, s3rver, kubectl, SDK install).
test-fast: build
	@cd $(BUILD_DIR) && ctest --output-on-failure -LE e2e $(CTEST_ARGS)

demo:
	@scripts/deps.sh demo
	@$(MAKE) --no-print-directory build
	@scripts/demo.sh $(BUILD_DIR)

# The container image FROM scratch (binary, plugins, their library closure), built with buildah: no container
# engine needed. Builds only what goes into the image: the binary and the backend plugins. Which plugins go in is
# decided by scripts/image-rootfs.sh (every one in the build's plugin directory); the targets are named here only
# because CMake has no target that builds all plugins: a backend added to plugins/CMakeLists.txt is added here too.
# SQLOP_IMAGE_ROOT chooses buildah's storage root; see scripts/image.sh.
IMAGE_TARGETS = sqlite-operator sqlop-s3 sqlop-azure sqlop-gcs sqlop-file
image: configure
	@cmake --build $(BUILD_DIR) -j$(JOBS) --target $(IMAGE_TARGETS) -- --no-print-directory
	@scripts/deps.sh image
	@scripts/image.sh $(BUILD_DIR)

bench: build
	@bench/run.sh $(BUILD_DIR)

install: build
	@cmake --install $(BUILD_DIR) $(if $(PREFIX),--prefix $(PREFIX))

clean:
	@rm -rf $(BUILD_DIR)
