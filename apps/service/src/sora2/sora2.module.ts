import { Module } from '@nestjs/common';
import { Sora2Controller } from './sora2.controller.js';
import { Sora2Api } from './sora2.api.js';

@Module({ controllers: [Sora2Controller], providers: [Sora2Api] })
export class Sora2Module {}
