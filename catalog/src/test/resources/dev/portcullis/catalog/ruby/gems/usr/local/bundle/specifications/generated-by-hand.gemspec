Gem::Specification.new do |spec|
  spec.name = ENV.fetch("GEM_NAME")
end
